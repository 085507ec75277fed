import { type RestResult, rest } from "@lms/platform/testing/rest-client";
import { type Body, nextIsbn } from "./fixtures.js";
import { grpcClient } from "./grpc-clients.js";
import { ADMIN, SERVER_KEY, type Stack, type StackOptions, startStack } from "./stack.js";

/** A grpc-js client of `library.book.v1.BookService`. */
export type BookClient = ReturnType<typeof grpcClient>;

/** What a book made by {@link CirculationStack.createBook} differs in. */
export interface BookFields {
  title?: string;
  totalCopies?: number;
  loanType?: string;
}

/**
 * All four services, as the circulation specs start them, with what every one of them first
 * makes: the admin's access token and an author to write books by.
 */
export interface CirculationStack {
  stack: Stack;
  /** REST base URLs of the auth and book services. */
  auth: string;
  books: string;
  /** The admin's access token. */
  admin: string;
  authorId: string;
  /** `method path` on the book service's REST face, as `token` (none when omitted). */
  call(method: string, path: string, token?: string, body?: unknown, headers?: Record<string, string>): Promise<RestResult<Body>>;
  /** A new book by the author (one copy unless `totalCopies` says otherwise); its id. Throws unless 201. */
  createBook(fields?: BookFields): Promise<string>;
  /** A new book whose copies have exactly these barcodes; its id. */
  shelve(...barcodes: string[]): Promise<string>;
  /** gRPC metadata of a call as `token`: the server key and the bearer token, plus `extra`. */
  metadata(token: string, extra?: Record<string, string>): Record<string, string>;
  /** Runs `use` with a fresh grpc-js BookService client, closed afterwards whatever happens. */
  withBookClient<T>(use: (client: BookClient) => Promise<T>): Promise<T>;
  stop(): Promise<void>;
}

/** Starts auth, author, category and book (`opts` as for {@link startStack}), logs the admin in and creates an author named `authorName`. */
export async function startCirculationStack(opts: StackOptions & { authorName?: string } = {}): Promise<CirculationStack> {
  const stack = await startStack(["auth", "author", "category", "book"], opts);
  try {
    const [auth, books] = [stack.services.auth.baseUrl, stack.services.book.baseUrl];
    const admin = String((await rest<Body>(auth, "POST", "/api/v1/auth/login", { body: ADMIN })).body.accessToken);
    const author = await rest<Body>(stack.services.author.baseUrl, "POST", "/api/v1/authors", {
      token: admin,
      body: { name: opts.authorName ?? "Le Guin" },
    });
    if (author.status !== 201) throw new Error(`create author: ${author.status} ${JSON.stringify(author.body)}`);
    const authorId = String(author.body.id);
    const call: CirculationStack["call"] = (method, path, token, body, headers = {}) =>
      rest<Body>(books, method, path, { token, body, headers });
    const createBook = async ({ title = "The Dispossessed", totalCopies = 1, loanType = "standard" }: BookFields = {}) => {
      const res = await call("POST", "/api/v1/books", admin, { title, isbn: nextIsbn(), authorId, totalCopies, loanType });
      if (res.status !== 201) throw new Error(`create book: ${res.status} ${JSON.stringify(res.body)}`);
      return String(res.body.id);
    };
    return {
      stack,
      auth,
      books,
      admin,
      authorId,
      call,
      createBook,
      async shelve(...barcodes) {
        const id = await createBook({ totalCopies: 0 });
        const added = await call("POST", `/api/v1/books/${id}/copies`, admin, { barcodes });
        if (added.status !== 200) throw new Error(`add copies: ${added.status} ${JSON.stringify(added.body)}`);
        return id;
      },
      metadata: (token, extra = {}) => ({ "x-server-key": SERVER_KEY, authorization: `Bearer ${token}`, ...extra }),
      async withBookClient(use) {
        const client = grpcClient("book", "BookService", stack.grpcAddr.book);
        try {
          return await use(client);
        } finally {
          client.close();
        }
      },
      stop: () => stack.stop(),
    };
  } catch (err) {
    await stack.stop();
    throw err;
  }
}
