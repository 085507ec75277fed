import fastifyCompress from "@fastify/compress";
import type { FastifyInstance } from "fastify";

/** Smallest answer body (bytes) that is compressed; smaller ones gain too little for the CPU spent. */
export const COMPRESSION_THRESHOLD_BYTES = 1024;

/**
 * zlib level of the gzip answers. Level 1 (nginx's default too): on a 20 KB list it costs about
 * 0.045 ms of CPU against 0.07 ms for zlib's default 6, for a body ~3% larger
 * (`node --import tsx bench/gzip-cost-micro.ts`). Brotli (quality 4) cost 0.13 ms and is not offered.
 */
export const GZIP_LEVEL = 1;

/**
 * Compresses answers of at least {@link COMPRESSION_THRESHOLD_BYTES} with gzip when the client's
 * `Accept-Encoding` allows it (`@fastify/compress`, level {@link GZIP_LEVEL}), with `Vary: Accept-Encoding`;
 * otherwise they go out as they are. JSON, text (`/metrics`) and the Swagger UI assets qualify;
 * `text/event-stream` never does. Request bodies are not decompressed (a `Content-Encoding`
 * on a request is refused by the JSON parser as before). Must be registered before the routes
 * it covers: the plugin attaches itself to each route as it is added.
 */
export async function registerCompression(app: FastifyInstance): Promise<void> {
  await app.register(fastifyCompress, {
    encodings: ["gzip"],
    threshold: COMPRESSION_THRESHOLD_BYTES,
    zlibOptions: { level: GZIP_LEVEL },
    globalDecompression: false,
  });
}
