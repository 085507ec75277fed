import http2 from "node:http2";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { BookSchema, BookService, GetBookRequestSchema } from "@lms/gen/library/book/v1/book_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGrpcServer, type GrpcServer } from "./grpc-server.js";

const LONG = "x".repeat(4096); // well over Connect's 1 KiB compression threshold

let server: GrpcServer;
let port: number;

beforeAll(async () => {
  server = createGrpcServer((router) => {
    router.service(BookService, { getBook: (req) => create(BookSchema, { id: req.id, description: LONG }) });
  }, []);
  port = await server.listen(0, "127.0.0.1");
});
afterAll(() => server.close(1000));

/** One unary gRPC call over a bare HTTP/2 client: the answer's headers and its first message frame. */
async function call(headers: Record<string, string>): Promise<{ headers: http2.IncomingHttpHeaders; flag: number; body: Buffer }> {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  try {
    const message = Buffer.from(toBinary(GetBookRequestSchema, create(GetBookRequestSchema, { id: "b1" })));
    const frame = Buffer.concat([Buffer.from([0, 0, 0, 0, message.length]), message]);
    const stream = session.request({
      ":method": "POST",
      ":path": "/library.book.v1.BookService/GetBook",
      "content-type": "application/grpc",
      te: "trailers",
      ...headers,
    });
    stream.end(frame);
    const [responseHeaders, data] = await Promise.all([
      new Promise<http2.IncomingHttpHeaders>((resolve) => stream.once("response", resolve)),
      (async () => {
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks);
      })(),
    ]);
    return { headers: responseHeaders, flag: data[0], body: data.subarray(5, 5 + data.readUInt32BE(1)) };
  } finally {
    session.close();
  }
}

describe("createGrpcServer", () => {
  it("answers a large message uncompressed even to a client that accepts gzip", async () => {
    const res = await call({ "grpc-accept-encoding": "gzip" });
    expect(res.flag).toBe(0); // the frame's compressed flag (the grpc-encoding header only names what the server may use)
    expect(fromBinary(BookSchema, res.body).description).toBe(LONG);
  });
});
