// eslint-disable-next-line @typescript-eslint/require-await -- placeholder until the functions branch lands
export const handler = async (): Promise<void> => {
  throw new Error("replaced by the functions branch");
};
