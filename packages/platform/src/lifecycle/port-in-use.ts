import { readdir, readFile, readlink } from "node:fs/promises";

/** A server could not listen because another socket holds its port. */
export class PortInUseError extends Error {
  constructor(
    /** "HTTP" or "gRPC": which face of the service. */
    readonly face: string,
    readonly host: string,
    readonly port: number,
    /** What holds the port, e.g. `pid 1234 (node other.js)`, when this machine lets us see it. */
    readonly holder: string | undefined,
  ) {
    super(`${face} port ${host}:${port} is already in use${holder ? ` by ${holder}` : ""}`);
    this.name = "PortInUseError";
  }
}

/**
 * `err` as a {@link PortInUseError} when it says the address is in use — Node's `EADDRINUSE`
 * (Fastify passes it on) or @grpc/grpc-js's "No address added … [listen EADDRINUSE …]", which
 * carries no code — else `err` itself.
 */
export async function asPortInUse(err: unknown, face: string, host: string, port: number): Promise<unknown> {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  if (code !== "EADDRINUSE" && !(typeof message === "string" && message.includes("EADDRINUSE"))) return err;
  return new PortInUseError(face, host, port, await findListener(port).catch(() => undefined));
}

/**
 * The process listening on TCP `port`, from /proc (Linux): the socket's inode in /proc/net/tcp{,6},
 * then the /proc/<pid>/fd entry that points at it. Undefined when not found or not allowed.
 */
export async function findListener(port: number): Promise<string | undefined> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const text = await readFile(table, "utf8").catch(() => "");
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is "IP:PORT" in hex, st 0A is LISTEN, inode is the 10th field.
      if (f[1]?.endsWith(`:${hexPort}`) && f[3] === "0A" && f[9] !== "0") inodes.add(f[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const pid of (await readdir("/proc")).filter((d) => /^\d+$/.test(d))) {
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => "");
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) return `pid ${pid} (${await commandOf(pid)})`;
    }
  }
  return undefined;
}

const PRELOAD_OPTIONS = new Set(["-r", "--require", "--import", "--loader", "--experimental-loader"]);

/** The program and its script (or first operand), e.g. `node holder.js`, `postgres`. */
async function commandOf(pid: string): Promise<string> {
  const [program, ...args] = (await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")).split("\0").filter(Boolean);
  if (!program) return "unknown command";
  // A script file if there is one (not the module a preloading option such as --require names), else the first operand.
  const operands = args.filter((a, i) => !a.startsWith("-") && !PRELOAD_OPTIONS.has(args[i - 1] ?? ""));
  const operand = operands.find((a) => /\.[cm]?[jt]s$/.test(a)) ?? operands[0];
  const shown = [program, operand]
    .filter((a): a is string => a !== undefined)
    .map((a) => (a.includes("/") && !a.includes(" ") ? (a.split("/").pop() ?? a) : a))
    .join(" ");
  return shown.length > 80 ? `${shown.slice(0, 77)}...` : shown;
}
