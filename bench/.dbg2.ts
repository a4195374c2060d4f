import { measureSweep } from "./sweepBench";
const t = Date.now();
const timer = setInterval(() => console.error("alive", (Date.now() - t) / 1000), 5000);
void measureSweep({ seed: 1, devices: 200 }).then((r) => {
  console.log(JSON.stringify(r));
  clearInterval(timer);
});
