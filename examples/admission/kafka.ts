/**
 * A Kafka producer that refuses to produce when this region may not write
 * (docs/admission.md). The producer is an interface (kafkajs's `Producer.send` has this
 * shape), so the example needs no Kafka client.
 */
import { WriteAdmission } from "../../admission";

export interface ProducerRecord {
  topic: string;
  messages: Array<{ key?: string | null; value: string | Buffer | null }>;
}

export interface KafkaProducer {
  send(record: ProducerRecord): Promise<unknown>;
}

/** Produces only when admitted; otherwise throws `WriteNotAdmittedError` and sends nothing. */
export class AdmittedProducer implements KafkaProducer {
  constructor(
    private readonly producer: KafkaProducer,
    private readonly admission: Pick<WriteAdmission, "admitOrThrow">,
  ) {}

  async send(record: ProducerRecord): Promise<unknown> {
    await this.admission.admitOrThrow();
    return this.producer.send(record);
  }
}
