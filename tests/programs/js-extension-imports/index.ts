import { queue } from "./acl.js";

export const queueName = queue.name;
