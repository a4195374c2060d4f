import { runReplication } from "./replication";
const t = Date.now();
const timer = setInterval(() => console.error("alive", (Date.now() - t) / 1000), 5000);
void runReplication({ devices: Number(process.env.N), seed: 1, shards: 5, faults: process.env.F === "1", json: true }).then((r) => {
  console.log(JSON.stringify(r));
  clearInterval(timer);
});
