import { strict as assert } from "assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import {
  instructedRtoBudget,
  rtoBudget,
  silentAggregatorRtoBudget,
} from "../../components/failover/budget";
import { connectedSvg } from "../../drill/plot";
import { spawnSync } from "child_process";
import { Resvg } from "@resvg/resvg-js";
import { resultsTable } from "../../drill/report";
import { USAGE, drillSettings, seededRandom } from "../../drill/settings";

/** Both budgets of the drill's settings, as the drill computes them. */
function budgetsOf(settings: ReturnType<typeof drillSettings>) {
  const inputs = {
    ...settings.stack.health,
    ttlSeconds: settings.stack.ttlSeconds,
    rtoTargetSeconds: settings.stack.rtoTargetSeconds,
  };
  return {
    budget: rtoBudget(inputs),
    instructed: instructedRtoBudget(inputs),
    silent: silentAggregatorRtoBudget(inputs),
  };
}

describe("drill settings and report", () => {
  it("reads the stack file's health and dns settings with the config schema's defaults", () => {
    const settings = drillSettings([]);
    assert.equal(settings.stack.ttlSeconds, 5);
    assert.equal(settings.stack.health.probeTimeoutSeconds, 4);
    assert.equal(settings.stack.health.aggregatorIntervalSeconds, 5);
    // Not in Pulumi.primary.yaml: the schema's default applies.
    assert.equal(settings.stack.health.reconnect.topic, "iot-dr/reconnect");
    assert.equal(settings.devices, 50);
    // A value that differs from the default shows the file is read, not the defaults.
    const dir = mkdtempSync(join(tmpdir(), "drill-"));
    try {
      const file = join(dir, "Pulumi.primary.yaml");
      writeFileSync(
        file,
        readFileSync("Pulumi.primary.yaml", "utf8").replace(
          "probeTimeoutSeconds: 4",
          "probeTimeoutSeconds: 7",
        ),
      );
      assert.equal(drillSettings(["--stack", file]).stack.health.probeTimeoutSeconds, 7);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a stack file whose health settings carry a key nothing reads", () => {
    const dir = mkdtempSync(join(tmpdir(), "drill-"));
    try {
      const file = join(dir, "Pulumi.primary.yaml");
      writeFileSync(
        file,
        readFileSync("Pulumi.primary.yaml", "utf8").replace(
          "probeTimeoutSeconds: 4",
          "probeTimeoutSeconds: 4\n    failureThreshold: 3",
        ),
      );
      assert.throws(
        () => drillSettings(["--stack", file]),
        /iot-dr:health.failureThreshold: is not a known key/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a bad flag, naming it and the range", () => {
    assert.throws(
      () => drillSettings(["--devices", "0"]),
      /--devices: expected a whole number from 1 to 2000, got "0"/,
    );
    assert.throws(
      () => drillSettings(["--seed", "x"]),
      /--seed: expected a whole number from 0 to 2147483647, got "x"/,
    );
    // The drill runs on a virtual clock in the stack's seconds: there is no time scale left.
    assert.throws(() => drillSettings(["--scale", "10"]), /Unknown option '--scale'/);
  });

  it("puts measured RTO and the budget of the same settings side by side, in the stack's seconds", () => {
    const settings = drillSettings([]);
    const budgets = budgetsOf(settings);
    const table = resultsTable(
      [
        {
          name: "killed",
          to: "secondary",
          failback: false,
          path: "disconnect",
          rtoMs: 50_000,
          dnsMs: 20_000,
          acked: 10,
          lost: 0,
          duplicates: 1,
          causes: { disconnect: 2 },
        },
        {
          name: "back",
          to: "primary",
          failback: true,
          path: "disconnect",
          rtoMs: 30_000,
          acked: 5,
          lost: 0,
          duplicates: 0,
          causes: {},
        },
        {
          name: "stuck",
          to: "secondary",
          failback: false,
          path: "disconnect",
          acked: 0,
          lost: 0,
          duplicates: 0,
          causes: {},
        },
      ],
      budgets,
    );
    const rows = table.split("\n").slice(2);
    // 50 s against 119: a budget is an upper bound, a faster fail-over is within it.
    assert.match(
      rows[0],
      /\| 1 \| killed \| secondary \| 50\.0 \| 119 \| 42 % \| within the budget \| 20\.0 \| 10 \| 0 \| 1 \| disconnect 2 \|/,
    );
    // A fail-back has no outage: the same verdict whatever it measured, so it cannot flip.
    assert.match(rows[1], /\| - \| - \| no outage \(the secondary served\) \|/);
    assert.match(rows[2], /DEADLINE HIT/);
  });

  it("passes a fail-over at or under its path's budget and fails one over it, each path by its own", () => {
    const settings = drillSettings([]);
    const budgets = budgetsOf(settings);
    const row = (rtoMs: number, path: "disconnect" | "instruction" | "silent") =>
      resultsTable(
        [
          {
            name: "x",
            to: "secondary",
            failback: false,
            path,
            rtoMs,
            acked: 0,
            lost: 0,
            duplicates: 0,
            causes: {},
          },
        ],
        budgets,
      ).split("\n")[2];
    assert.equal(budgets.budget.totalSeconds, 119);
    assert.match(row(119_000, "disconnect"), /100 % \| within the budget/);
    assert.match(row(30_000, "disconnect"), /25 % \| within the budget/);
    assert.match(row(120_000, "disconnect"), /101 % \| OVER the budget/);
    // Instructed: 117 s; the region dead with its aggregator: 85 s, judged by its own budget.
    assert.equal(budgets.instructed.totalSeconds, 117);
    assert.match(row(110_000, "instruction"), /117 \(instruction\) \| 94 % \| within/);
    assert.equal(budgets.silent.totalSeconds, 85);
    assert.match(row(80_000, "silent"), /85 \(silent\) \| 94 % \| within/);
    assert.match(row(100_000, "silent"), /85 \(silent\) \| 118 % \| OVER the budget/);
  });

  it("writes to an ignored folder by default and answers --help with examples", () => {
    const settings = drillSettings([]);
    assert.equal(settings.outDir, ".drill");
    assert.match(readFileSync(".gitignore", "utf8"), /^\.drill\/$/m);
    assert.equal(drillSettings(["--out", "/tmp/x"]).outDir, "/tmp/x");
    const tracked = spawnSync("git", ["ls-files", "drill"], { encoding: "utf8" }).stdout;
    assert.doesNotMatch(tracked, /results\.md|connected\.svg/, "the drill's output is not tracked");
    assert.match(USAGE, /--seed S[\s\S]*--out DIR[\s\S]*Examples:\n {2}npm run drill/);
  });

  it("gives the same random schedule for the same seed, a different one for another", () => {
    const draw = (seed: number) => {
      const random = seededRandom(drillSettings(["--seed", String(seed)]).seed);
      return Array.from({ length: 20 }, () => random());
    };
    assert.deepEqual(draw(3), draw(3));
    assert.notDeepEqual(draw(3), draw(4));
  });

  it("plots one line per region, seconds since the outage on x, the budget as a marked line", () => {
    const svg = connectedSvg(
      [
        { t: -20, counts: { primary: 3, secondary: 0 } },
        { t: 0, counts: { primary: 0, secondary: 0 } },
        { t: 110, counts: { primary: 0, secondary: 3 } },
      ],
      ["primary", "secondary"],
      [
        { t: 0, label: "1: broker <killed>" },
        { t: 2, label: "a second label right beside the first" },
        { t: 120, label: "#1 budget 120 s", kind: "budget" },
      ],
      "title",
    );
    assert.equal(svg.match(/<polyline /g)?.length, 2);
    assert.ok(svg.includes("broker &lt;killed&gt;"));
    assert.match(svg, /seconds since the outage/);
    assert.match(svg, /stroke="#e07b00" stroke-width="2"/);
    // Close labels go to separate rows: no two label baselines at one y overlap in x.
    const labels = [
      ...svg.matchAll(
        /<text x="([\d.]+)" y="([\d.]+)" font-size="11" text-anchor="(\w+)"[^>]*>([^<]*)</g,
      ),
    ];
    assert.equal(labels.length, 3);
    const rowsOf = new Set(labels.slice(0, 2).map((m) => m[2]));
    assert.equal(rowsOf.size, 2, "the two close labels share no row");
    // The label at the right edge is drawn leftwards, so it is not cut.
    assert.equal(labels[2][3], "end");
  });

  it("renders to a PNG of the SVG's size that is not blank", () => {
    const samples = Array.from({ length: 60 }, (_, i) => ({
      t: i * 3 - 30,
      counts: { primary: i < 10 ? 50 : 0, secondary: i < 40 ? 0 : 50 },
    }));
    const svg = connectedSvg(
      samples,
      ["primary", "secondary"],
      [
        { t: 0, label: "1: primary broker killed" },
        { t: 97, label: "DNS: SECONDARY" },
        { t: 120, label: "#1 budget 120 s", kind: "budget" },
      ],
      "Connected devices per region",
    );
    const width = Number(/width="(\d+)"/.exec(svg)![1]);
    const height = Number(/height="(\d+)"/.exec(svg)![1]);
    const png = new Resvg(svg, { font: { loadSystemFonts: true } }).render();
    assert.deepEqual([png.width, png.height], [width, height]);
    const pixels = png.pixels;
    let drawn = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      if (pixels[i] < 200 || pixels[i + 1] < 200 || pixels[i + 2] < 200) drawn += 1;
    }
    // Axes, two lines, markers and labels: well over 1 % of the image is drawn on white.
    const share = drawn / (png.width * png.height);
    assert.ok(share > 0.01 && share < 0.5, `drawn share ${share}`);
    assert.ok(png.asPng().length > 1000);
  });
});
