export const handler = async (): Promise<void> => {
  throw new Error("replaced by the functions branch");
};
