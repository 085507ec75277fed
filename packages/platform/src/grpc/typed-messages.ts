import { create, type DescMessage, isMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";

// The checks that turn the untyped messages of an interceptor chain into the typed ones a
// client or handler was promised, without casts: `isMessage` compares the type name only.

/** `value` as a message of `desc`: itself when it is one, else made from its fields (what handlers and clients may hand over). */
export function asMessage<D extends DescMessage>(desc: D, value: MessageInitShape<D>): MessageShape<D> {
  return isMessage(value, desc) ? value : create(desc, value);
}

/** Each value as a message of `desc` (see {@link asMessage}). */
export async function* asMessages<D extends DescMessage>(
  desc: D,
  values: AsyncIterable<MessageInitShape<D>>,
): AsyncIterable<MessageShape<D>> {
  for await (const value of values) yield asMessage(desc, value);
}

/** An answer that must be a message of `desc`; INTERNAL otherwise (an interceptor swapped it). */
export function answerOf<D extends DescMessage>(desc: D, value: unknown): MessageShape<D> {
  if (!isMessage(value, desc)) throw new ConnectError(`the answer is no ${desc.typeName}`, Code.Internal);
  return value;
}

/** Each answer of a stream checked as {@link answerOf} does. */
export async function* answersOf<D extends DescMessage>(desc: D, values: AsyncIterable<unknown>): AsyncIterable<MessageShape<D>> {
  for await (const value of values) yield answerOf(desc, value);
}
