import { strict as assert } from "assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { rtoBudget } from "../../infra/health/budget";
import { connectedSvg } from "../../drill/plot";
import { resultsTable } from "../../drill/report";
import { drillSettings } from "../../drill/settings";

describe("drill settings and report", () => {
  it("reads the stack file's health and dns settings with the config schema's defaults", () => {
    const settings = drillSettings([]);
    assert.equal(settings.stack.ttlSeconds, 10);
    assert.equal(settings.stack.health.probeTimeoutSeconds, 3);
    assert.equal(settings.stack.health.aggregatorIntervalSeconds, 5);
    // Not in Pulumi.primary.yaml: the schema's default applies.
    assert.equal(settings.stack.health.reconnect.topic, "iot-dr/reconnect");
    assert.deepEqual([settings.devices, settings.scale], [50, 20]);
    // A value that differs from the default shows the file is read, not the defaults.
    const dir = mkdtempSync(join(tmpdir(), "drill-"));
    try {
      const file = join(dir, "Pulumi.primary.yaml");
      writeFileSync(
        file,
        readFileSync("Pulumi.primary.yaml", "utf8").replace(
          "probeTimeoutSeconds: 3",
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
          "probeTimeoutSeconds: 3",
          "probeTimeoutSeconds: 3\n    failureThreshold: 3",
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
      () => drillSettings(["--scale", "x"]),
      /--scale: expected a whole number from 5 to 200/,
    );
  });

  it("puts measured RTO and the budget of the same settings side by side, in drill and stack seconds", () => {
    const settings = drillSettings(["--scale", "10"]);
    const budget = rtoBudget({
      ...settings.stack.health,
      ttlSeconds: settings.stack.ttlSeconds,
      rtoTargetSeconds: settings.stack.rtoTargetSeconds,
    });
    const table = resultsTable(
      [
        {
          name: "killed",
          to: "secondary",
          failback: false,
          rtoMs: 5000,
          dnsMs: 2000,
          acked: 10,
          lost: 0,
          duplicates: 1,
          causes: { disconnect: 2 },
        },
        {
          name: "back",
          to: "primary",
          failback: true,
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
          acked: 0,
          lost: 0,
          duplicates: 0,
          causes: {},
        },
      ],
      budget,
      settings,
    );
    const rows = table.split("\n").slice(2);
    assert.match(
      rows[0],
      /\| 1 \| killed \| secondary \| 5.00 \| 12.00 \| 50.0 \| 120 \| yes \| 20.0 \| 10 \| 0 \| 1 \| disconnect 2 \|/,
    );
    assert.match(rows[1], /over \(no outage: the secondary serves\)/);
    assert.match(rows[2], /DEADLINE HIT/);
  });

  it("plots one line per region and labels the events", () => {
    const svg = connectedSvg(
      [
        { t: 0, counts: { primary: 3, secondary: 0 } },
        { t: 1, counts: { primary: 0, secondary: 3 } },
      ],
      ["primary", "secondary"],
      [{ t: 0.5, label: "broker <killed>" }],
      "title",
      20,
    );
    assert.equal(svg.match(/<polyline /g)?.length, 2);
    assert.ok(svg.includes("broker &lt;killed&gt;"));
    assert.ok(svg.startsWith("<svg") && svg.trimEnd().endsWith("</svg>"));
  });
});
