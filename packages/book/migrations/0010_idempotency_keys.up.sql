-- The first answer to each Idempotency-Key (DESIGN.md §8), written in the same transaction as
-- the effect it answers, so no effect can commit without it. A retry with the same key from the
-- same caller gets this answer again instead of a second effect; rows past expires_at are
-- ignored, replaced by a new first answer, and purged.
create table idempotency_keys (
  -- Who sent the key: `user:<id>` of the verified token, or `service` for a peer's call.
  caller text not null,
  key text not null,
  -- The gRPC method (e.g. library.book.v1.BookService/BorrowBook), for operators.
  method text not null,
  -- sha-256 of the method and the request message's binary encoding: another request, same key → refused.
  fingerprint bytea not null,
  -- Exactly one of: the success answer (the response message, binary protobuf) or the refusal
  -- ({code, message, details: [{type, value}]}, values base64).
  response bytea,
  refusal jsonb,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  primary key (caller, key),
  constraint idempotency_keys_one_answer check ((response is null) <> (refusal is null))
);

-- The purge deletes by age.
create index idempotency_keys_expires_at_idx on idempotency_keys (expires_at);
