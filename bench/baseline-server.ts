// The in-run ceilings the product is compared with (run as its own process, like a service):
// a bare Fastify route, a bare Connect unary handler and a bare @grpc/grpc-js unary handler
// (the gRPC server the services run on), each doing one primary-key SELECT on the seeded book
// table through a `pg` pool of the product's default size. Nothing else: no interceptors, no
// logging, no validation, no peer call. Usage (env): DATABASE_URL, HTTP_PORT, GRPC_PORT,
// GRPCJS_PORT, DB_MAX_OPEN_CONNS.
import http2 from "node:http2";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import * as grpcJs from "@grpc/grpc-js";
import { type Book, BookSchema, BookService, GetBookRequestSchema } from "@lms/gen/library/book/v1/book_pb";
import Fastify from "fastify";
import pg from "pg";

interface Row {
  id: string;
  title: string;
  isbn: string;
  author_id: string;
  publisher: string;
  published_year: number;
  language: string;
  description: string;
  total_copies: number;
  available_copies: number;
  created_at: Date;
  updated_at: Date;
}

const env = process.env;
const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: Number(env.DB_MAX_OPEN_CONNS ?? 10) });
const SELECT = "select * from books where id = $1";

async function findRow(id: string): Promise<Row | undefined> {
  return (await pool.query<Row>(SELECT, [id])).rows[0];
}

/** Row → Book message, written out here rather than taken from the book service: the baselines run none of the product's code. */
function bookOf(row: Row): Book {
  return create(BookSchema, {
    id: row.id,
    title: row.title,
    isbn: row.isbn,
    authorId: row.author_id,
    publisher: row.publisher,
    publishedYear: row.published_year,
    language: row.language,
    description: row.description,
    totalCopies: row.total_copies,
    availableCopies: row.available_copies,
    createdAt: timestampFromDate(row.created_at),
    updatedAt: timestampFromDate(row.updated_at),
  });
}

const rest = Fastify({ logger: false });
rest.get("/readyz", async () => ({ status: "ready" }));
rest.get<{ Params: { id: string } }>("/books/:id", async (req, reply) => {
  const row = await findRow(req.params.id);
  return row ?? reply.code(404).send({ code: 5, message: "not found" });
});

const grpc = http2.createServer(
  connectNodeAdapter({
    routes: (router) =>
      router.service(BookService, {
        async getBook(req) {
          const row = await findRow(req.id);
          if (!row) throw new ConnectError("not found", Code.NotFound);
          return bookOf(row);
        },
      }),
  }),
);

// Bytes in, bytes out: the handler decodes and encodes with protobuf-es, as the services do.
const bytes = (b: Buffer) => b;
const bareGrpc = new grpcJs.Server({ "grpc.enable_channelz": 0 });
bareGrpc.addService(
  {
    GetBook: {
      path: `/${BookService.typeName}/${BookService.method.getBook.name}`,
      requestStream: false,
      responseStream: false,
      requestSerialize: bytes,
      requestDeserialize: bytes,
      responseSerialize: bytes,
      responseDeserialize: bytes,
    },
  },
  {
    GetBook(call: grpcJs.ServerUnaryCall<Buffer, Buffer>, callback: grpcJs.sendUnaryData<Buffer>) {
      findRow(fromBinary(GetBookRequestSchema, call.request).id).then(
        (row) =>
          row
            ? callback(null, Buffer.from(toBinary(BookSchema, bookOf(row))))
            : callback({ code: grpcJs.status.NOT_FOUND, details: "not found" }),
        (err: Error) => callback({ code: grpcJs.status.INTERNAL, details: err.message }),
      );
    },
  },
);

// Both gRPC faces first: the bench (and the spec) take /readyz on the REST face to mean all three listen.
await new Promise<void>((resolve) => grpc.listen(Number(env.GRPC_PORT), "127.0.0.1", resolve));
await new Promise<number>((resolve, reject) =>
  bareGrpc.bindAsync(`127.0.0.1:${env.GRPCJS_PORT}`, grpcJs.ServerCredentials.createInsecure(), (err, port) =>
    err ? reject(err) : resolve(port),
  ),
);
await rest.listen({ port: Number(env.HTTP_PORT), host: "127.0.0.1" });
const stop = async () => {
  bareGrpc.forceShutdown();
  grpc.close();
  await rest.close();
  await pool.end();
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
