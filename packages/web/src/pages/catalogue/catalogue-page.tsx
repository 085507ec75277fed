import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useSearchParams } from "react-router";
import { call } from "../../api/client.js";
import { errorSentences } from "../../api/errors.js";
import { useAuthorNames } from "../../api/queries.js";
import { useServices } from "../../app/services-context.js";
import { ErrorText, Loading } from "../../ui/status.js";
import { BookResults } from "./book-results.js";
import { type CatalogueFilter, CatalogueFilters } from "./catalogue-filters.js";
import { urlFromView, viewFromUrl } from "./catalogue-url.js";

const PAGE_SIZE = 20;

/** Everyone's entry page: search and filter the books, page through every result. */
export default function CataloguePage() {
  const { api } = useServices();
  const [params, setParams] = useSearchParams();
  // The API pages by opaque tokens: tokens[i] opens page i, so "Previous" goes back exactly.
  const { filter, tokens } = viewFromUrl(params);
  const page = tokens.length - 1;

  const books = useQuery({
    queryKey: ["books", filter, tokens[page]],
    queryFn: () =>
      call(
        api.GET("/api/v1/books", {
          params: {
            query: {
              pageSize: PAGE_SIZE,
              orderBy: "title",
              ...(tokens[page] ? { pageToken: tokens[page] } : {}),
              ...(filter.q ? { q: filter.q } : {}),
              ...(filter.categoryId ? { categoryId: filter.categoryId } : {}),
              ...(filter.authorId ? { authorId: filter.authorId } : {}),
              ...(filter.availableOnly ? { available: true } : {}),
            },
          },
        }),
      ),
    placeholderData: keepPreviousData,
  });

  const show = (next: CatalogueFilter, pages: string[]) => setParams(urlFromView({ filter: next, tokens: pages }));
  const authorNames = useAuthorNames((books.data?.books ?? []).map((b) => b.authorId));

  return (
    <section className="page">
      <h1>Catalogue</h1>
      <title>Catalogue · Library</title>
      {/* Remounted when the words change from outside (Back, the nav link), so the box shows them. */}
      <CatalogueFilters key={filter.q} value={filter} onChange={(next) => show(next, [""])} />
      {books.isPending ? <Loading what="books" /> : null}
      {books.isError ? <ErrorText sentences={errorSentences(books.error)} /> : null}
      {books.data ? (
        <BookResults
          result={books.data}
          authorNames={authorNames}
          page={page}
          pageSize={PAGE_SIZE}
          busy={books.isFetching}
          onNext={() => show(filter, [...tokens, books.data.nextPageToken])}
          onPrevious={() => show(filter, tokens.slice(0, -1))}
        />
      ) : null}
    </section>
  );
}
