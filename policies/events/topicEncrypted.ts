import { stackPolicy } from "../lib/policy";
import { str } from "../lib/props";
import { T } from "../lib/types";

/** The component type whose topics carry application events (components/events). */
const EVENTS_COMPONENT = "dr:events:CellEvents";

export const eventsTopicEncrypted = stackPolicy({
  name: "events-topic-encrypted",
  description:
    "The cell's event fan-out topic is encrypted with a KMS key. It carries application data; the alarm topic is not in scope (CloudWatch cannot publish to a topic under a customer key whose policy does not name it).",
  enforcementLevel: "mandatory",
  validate: (stack, _config, report) => {
    for (const topic of stack.ofType(T.snsTopic)) {
      let parent = topic.parent;
      while (parent && parent.type !== EVENTS_COMPONENT) parent = parent.parent;
      if (!parent) continue;
      if (!str(topic.props.kmsMasterKeyId)) {
        report(
          `Topic ${str(topic.props.name) ?? topic.name} of ${parent.name} has no kmsMasterKeyId; set it to the cell's KMS key ARN.`,
          topic,
        );
      }
    }
  },
});
