// Serves the built app (Vite's output, DESIGN.md §9) as static files: hashed files under /assets/
// cached for a year as immutable (a new build has new names), every other file revalidated
// (`no-cache`), and any other page a browser asks for answered with index.html so the app's
// router shows it (a deep link, a reload). Compressed with gzip when the browser accepts it, or
// served from a precompressed `.br` / `.gz` sibling when the build wrote one.
import { existsSync } from "node:fs";
import { join } from "node:path";
import fastifyCompress from "@fastify/compress";
import fastifyStatic from "@fastify/static";
import { PAGE_CSP } from "@lms/platform/rest/http-hardening";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { Codes, sendError } from "./error-reply.js";

/** Cache-Control of content-hashed files: a changed file gets a new name, so it never goes stale. */
export const IMMUTABLE = "public, max-age=31536000, immutable";
/** Cache-Control of index.html and unhashed files: always revalidated (ETag / Last-Modified), so a deploy shows at once. */
export const REVALIDATE = "no-cache";

const ASSETS = "/assets/";

/** Registers compression, the static files of `distDir` and the SPA fallback (as the not-found handler). */
export async function registerStaticApp(app: FastifyInstance, distDir: string): Promise<void> {
  // Level 6: static answers are few per visitor (assets are cached a year), so the smaller body wins.
  await app.register(fastifyCompress, { encodings: ["gzip"], threshold: 1024, zlibOptions: { level: 6 }, globalDecompression: false });
  await app.register(fastifyStatic, {
    root: distDir,
    // send's own Cache-Control is replaced by ours below.
    cacheControl: false,
    preCompressed: true,
    index: "index.html",
    // Dotfiles are never part of a build; a stray one is not served.
    dotfiles: "ignore",
    setHeaders: (reply, path) => {
      const underAssets = path.startsWith(join(distDir, "assets"));
      reply.header("cache-control", underAssets ? IMMUTABLE : REVALIDATE);
      if (path.endsWith(".html")) reply.header("content-security-policy", PAGE_CSP);
    },
  });
  app.setNotFoundHandler((req, reply) => answerNotFound(req, reply, distDir));
}

/** True for a GET/HEAD of `/`, or one whose Accept names HTML: a browser loading a page, not a script asking for data. */
function wantsPage(req: FastifyRequest, path: string): boolean {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  const accept = req.headers.accept;
  return path === "/" || (typeof accept === "string" && accept.includes("text/html"));
}

function answerNotFound(req: FastifyRequest, reply: FastifyReply, distDir: string): FastifyReply | Promise<void> {
  const path = req.url.split("?")[0];
  // API paths and missing assets are never answered with a page: a script must not parse HTML as JS or JSON.
  if (path === "/api" || path.startsWith("/api/") || path.startsWith(ASSETS) || !wantsPage(req, path)) {
    return sendError(reply, 404, Codes.unimplemented, `no route for ${req.method} ${path}`);
  }
  if (!existsSync(join(distDir, "index.html"))) return sendNoAppPage(reply, distDir);
  reply.header("cache-control", REVALIDATE).header("content-security-policy", PAGE_CSP);
  return reply.sendFile("index.html");
}

/** `make run` before the app was built (or with no app at all): a plain page that says so, not a crash. */
function sendNoAppPage(reply: FastifyReply, distDir: string): FastifyReply {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Library: the web app is not built</title></head>
<body><h1>The web app is not built yet</h1>
<p>This origin serves the app from <code>${escapeHtml(distDir)}</code>, which has no <code>index.html</code>.
Build it with <code>npm run build --workspace @lms/web</code> (<code>make run</code> does so when the app's sources are present).</p>
<p>The REST API answers here all the same, under <code>/api/v1/</code>.</p></body></html>
`;
  return reply.code(503).header("cache-control", "no-store").header("retry-after", "10").type("text/html; charset=utf-8").send(html);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
