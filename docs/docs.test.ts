import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { configKeys, configTable, undescribedKeys } from "../config/docsTable";
import { operatorPolicyDocument } from "../failover/iam/policy";
import { sampleManifest } from "../manifest/sample";
import { GENERATED_BLOCKS, REGENERATE, staleFiles, withBlock } from "./generate";
import { anchors, brokenLinks, markdownFiles, reachable, ROOT } from "./links";

const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");

describe("docs: the README, the pages under docs/ and CONTRIBUTING", () => {
  describe("the README", () => {
    it("is at most 8 KB", () => {
      const size = fs.statSync(path.join(ROOT, "README.md")).size;
      assert.ok(size <= 8192, `README.md is ${size} bytes; move detail to a page under docs/`);
    });

    it("opens with the two commands a newcomer needs, and CI runs its test command", () => {
      const [title, blank, run, test] = read("README.md").split("\n");
      assert.match(title, /^# /);
      assert.equal(blank, "");
      assert.equal(run, "Run it offline: `npm ci && npm run plan -- --stack prod-use1`");
      assert.equal(test, "Run the tests: `npm test`");
      assert.match(read(".ci/run"), /^npm test$/m, ".ci/run must run the README's `npm test`");
    });

    it("leads to every page: each one under docs/ is reachable from it by links", () => {
      const reached = reachable("README.md");
      const orphans = markdownFiles().filter((f) => !reached.has(f) && f !== "README.md");
      assert.deepEqual(orphans, [], "link these pages from README.md or a page it links");
    });

    it("the reachability check finds a page no link leads to", () => {
      const pages: Record<string, string> = {
        "README.md": "[a](docs/a.md)",
        "docs/a.md": "[b](b.md#top) and [web](https://example.com)",
        "docs/b.md": "# Top\n[back](../README.md)",
        "docs/orphan.md": "[a](a.md): it links out, but nothing links to it",
      };
      assert.deepEqual([...reachable("README.md", (f) => pages[f])].sort(), [
        "README.md",
        "docs/a.md",
        "docs/b.md",
      ]);
    });
  });

  describe("relative links", () => {
    it("resolve: every file exists and every #fragment is a heading of its page", () => {
      const broken = markdownFiles().flatMap((f) => brokenLinks(f, read(f)));
      assert.deepEqual(
        broken.map((b) => `${b.file}: (${b.link}) ${b.problem}`),
        [],
        "fix the link, or the heading it points at",
      );
    });

    it("the checker finds a missing page, a missing heading and a missing same-page heading", () => {
      const page = [
        "See [the runbook](operating.md#in-an-incident), [a typo](operatng.md),",
        "[gone](operating.md#no-such-heading), [here](#local) and [there](#elsewhere).",
        "`[code](not-a-link.md)` and [web](https://example.com) are not checked.",
        "## Local",
      ].join("\n");
      assert.deepEqual(
        brokenLinks("docs/example.md", page).map((b) => b.link),
        ["operatng.md", "operating.md#no-such-heading", "#elsewhere"],
      );
    });

    it("anchors follow GitHub's rules: code, punctuation and case dropped, repeats numbered", () => {
      const found = anchors(
        "# Serving after `pulumi up`: the health path\n## Tests\n## Tests\n```\n# not a heading\n```",
      );
      assert.deepEqual([...found], ["serving-after-pulumi-up-the-health-path", "tests", "tests-1"]);
    });
  });

  describe("hand-written tables that must follow the code", () => {
    /** `service:Action` names in a section's table rows; `Update...State(s)` is two actions. */
    const actionsIn = (section: string) =>
      new Set(
        [
          ...section
            .split("\n")
            .filter((l) => l.startsWith("| `"))
            .join("\n")
            .matchAll(/`([a-z0-9-]+:[A-Za-z*]+(?:\(s\))?)`(?:, `([A-Za-z]+(?:\(s\))?)`)?/g),
        ]
          .flatMap((m) => {
            const service = m[1].split(":")[0];
            return [m[1], m[2] && `${service}:${m[2]}`].filter((a): a is string => !!a);
          })
          .flatMap((a) => (a.endsWith("(s)") ? [a.slice(0, -3), `${a.slice(0, -3)}s`] : [a]))
          .filter((a) => !/^(aws|dynamodb:LeadingKeys|cloudwatch:namespace)/.test(a)),
      );
    const iamSection = (page: string) => {
      const from = page.indexOf("## IAM: the operator role");
      assert.ok(from >= 0, "docs/operating.md has no '## IAM: the operator role' section");
      const to = page.indexOf("\n## ", from + 1);
      return page.slice(from, to < 0 ? undefined : to);
    };

    const disagreement = (section: string, granted: Set<string>) => {
      const documented = actionsIn(iamSection(section));
      return {
        undocumented: [...granted].filter((a) => !documented.has(a)).sort(),
        notGranted: [...documented].filter((a) => !granted.has(a)).sort(),
      };
    };

    it("operating.md's IAM table lists exactly the actions `failover iam-policy` grants", () => {
      // Both switch types (the ARC actions are granted to ARC cells only), and cells with
      // writer-only consumers (their mappings and queues are granted only when there are some).
      const gates = [sampleManifest("us-east-1"), sampleManifest("eu-west-1")].map((m) => ({
        ...m,
        stores: {
          ...m.stores,
          functions: {
            consumers: [
              {
                name: "queue-consumer",
                functionName: `shop-${m.cell}-queue-consumer`,
                functionArn: `arn:aws:lambda:${m.region}:123456789012:function:shop-${m.cell}-queue-consumer`,
                eventSourceMappingUuid: `esm-${m.cell}`,
                sourceArn: m.stores.queue.queueArn,
                source: "sqs" as const,
                writerOnly: true,
              },
            ],
          },
        },
      }));
      const arc = gates.map((m) => ({
        ...m,
        traffic: {
          ...m.traffic,
          switch: {
            type: "arc-routing-control" as const,
            clusterArn: "arn:aws:route53-recovery-control::123456789012:cluster/c",
            routingControlArn: `arn:aws:route53-recovery-control::123456789012:controlpanel/p/routingcontrol/${m.cell}`,
            healthCheckId: "hc",
          },
        },
      }));
      const granted = new Set(
        [gates, arc].flatMap((ms) =>
          operatorPolicyDocument(ms).Statement.flatMap((st) => st.Action),
        ),
      );
      assert.deepEqual(
        disagreement(read("docs/operating.md"), granted),
        { undocumented: [], notGranted: [] },
        "docs/operating.md (IAM: the operator role) and failover/iam/policy.ts disagree",
      );
    });

    it("the IAM check reads both spellings, and sees a missing row and a stale one", () => {
      const section =
        "## IAM: the operator role\n| `rds:SwitchoverGlobalCluster`, `rds:FailoverGlobalCluster` | x |\n| `route53-recovery-cluster:GetRoutingControlState`, `UpdateRoutingControlState(s)` | y |\n";
      assert.deepEqual([...actionsIn(iamSection(section))].sort(), [
        "rds:FailoverGlobalCluster",
        "rds:SwitchoverGlobalCluster",
        "route53-recovery-cluster:GetRoutingControlState",
        "route53-recovery-cluster:UpdateRoutingControlState",
        "route53-recovery-cluster:UpdateRoutingControlStates",
      ]);
      // A granted action without a row, and a row for an action no longer granted.
      const granted = new Set(["rds:SwitchoverGlobalCluster", "lambda:UpdateEventSourceMapping"]);
      assert.deepEqual(
        disagreement(
          "## IAM: the operator role\n| `rds:SwitchoverGlobalCluster`, `rds:FailoverGlobalCluster` | x |\n",
          granted,
        ),
        {
          undocumented: ["lambda:UpdateEventSourceMapping"],
          notGranted: ["rds:FailoverGlobalCluster"],
        },
      );
    });
  });

  describe("generated tables", () => {
    it("are current: the configuration table and the policy table match the code", () => {
      assert.deepEqual(staleFiles(), [], `stale generated docs: run \`${REGENERATE}\``);
    });

    it("a page edited by hand, or with its markers gone, is reported", () => {
      const block = GENERATED_BLOCKS.find((b) => b.file === "docs/configuration.md")!;
      const page = read(block.file);
      const edited = page.replace(
        "| `dr:dns.ttlSeconds` | integer, 1-60 | `60` |",
        "| `dr:dns.ttlSeconds` | integer, 1-60 | `30` |",
      );
      assert.notEqual(edited, page, "the fixture row is not in the page");
      assert.deepEqual(
        staleFiles((f) => (f === block.file ? edited : read(f))),
        ["docs/configuration.md (config-table)"],
      );
      assert.throws(
        () => withBlock("no markers here", block.file, block.name, "x"),
        /docs\/configuration.md has no '<!-- BEGIN GENERATED config-table: .*npm run docs -->'/,
      );
    });

    it("every configuration key has a description", () => {
      assert.deepEqual(
        undescribedKeys(),
        [],
        'add .describe("...") to these keys in config/schema.ts, then run `npm run docs`',
      );
    });

    it("the configuration table spells nested objects, lists of objects and tagged unions", () => {
      const schema = z.strictObject({
        "aws:region": z.string().describe("Region."),
        net: z
          .strictObject({
            azCount: z.number().int().min(3).max(6).default(3).describe("AZs."),
            tags: z.array(z.string()).max(5).optional().describe("Tags."),
          })
          .describe("Network."),
        peers: z
          .array(z.strictObject({ stack: z.string().describe("Stack.") }))
          .min(1)
          .describe("Peers."),
        switch: z
          .discriminatedUnion("type", [
            z.strictObject({ type: z.literal("gate").describe("Kind.") }),
            z.strictObject({ type: z.literal("arc"), arn: z.string().describe("ARN.") }),
          ])
          .default({ type: "gate" })
          .describe("Switch."),
        level: z
          .enum(["a", "b"])
          .optional()
          .meta({ description: "Level.", defaultText: "from tier" }),
        undocumented: z.boolean().default(false),
      });
      const rows = configKeys(schema as never).map(
        (k) => `${k.key} | ${k.type} | ${k.default} | ${k.description ?? ""}`,
      );
      assert.deepEqual(rows, [
        "aws:region | string | **required** | Region.",
        "dr:net | object | **required** | Network.",
        "dr:net.azCount | integer, 3-6 | `3` | AZs.",
        "dr:net.tags | list of string (at most 5) | none | Tags.",
        "dr:peers | list of object (at least 1) | **required** | Peers.",
        "dr:peers[].stack | string | **required** | Stack.",
        'dr:switch | object, by `type` | `{"type":"gate"}` | Switch.',
        "dr:switch.type | `gate` \\| `arc` | **required** | Kind.",
        "dr:switch.arn | string | **required** | With `type: arc`: ARN.",
        "dr:level | `a` \\| `b` | from tier | Level.",
        "dr:undocumented | boolean | `false` | ",
      ]);
    });

    it("a zod type the generator cannot spell fails with the key, not a wrong row", () => {
      const schema = z.strictObject({ when: z.date().describe("When.") });
      assert.throws(
        () => configKeys(schema as never),
        /cannot spell the zod type 'date' of dr:when/,
      );
    });

    it("the shipped table has every top-level key of the schema", () => {
      const table = configTable();
      for (const key of ["aws:region", "dr:app", "dr:dns.ttlSeconds", "dr:peers[].cidr"]) {
        assert.ok(table.includes(`| \`${key}\` |`), key);
      }
    });
  });
});
