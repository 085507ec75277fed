import { useQuery } from "@tanstack/react-query";
import { call } from "../../api/client.js";
import { errorSentences } from "../../api/errors.js";
import { useServices } from "../../app/services-context.js";
import { COPY_STATUS_TEXT } from "../../ui/format.js";
import { Empty, ErrorText, Loading } from "../../ui/status.js";

/** The book's copies with barcode and status (shown to librarians). */
export function CopiesTable({ bookId }: { bookId: string }) {
  const { api } = useServices();
  const copies = useQuery({
    queryKey: ["copies", bookId],
    queryFn: async () => (await call(api.GET("/api/v1/books/{bookId}/copies", { params: { path: { bookId } } }))).copies,
  });
  return (
    <section aria-labelledby="copies-heading">
      <h2 id="copies-heading">Copies</h2>
      {copies.isPending ? <Loading what="copies" /> : null}
      {copies.isError ? <ErrorText sentences={errorSentences(copies.error)} /> : null}
      {copies.data?.length === 0 ? <Empty>This book has no copies.</Empty> : null}
      {copies.data?.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">Barcode</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {copies.data.map((c) => (
              <tr key={c.id}>
                <td>{c.barcode}</td>
                <td>{COPY_STATUS_TEXT[c.status]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
