import { useInfiniteQuery, useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { call, idempotencyKey } from "../../api/client.js";
import type { Loan } from "../../api/types.js";
import { useServices } from "../../app/services-context.js";

/** Every open loan of the signed-in person (members may hold few: one page of 100 is all of them). */
export function useOpenLoans() {
  const { api } = useServices();
  return useQuery({
    queryKey: ["loans", "open"],
    queryFn: async () => (await call(api.GET("/api/v1/loans", { params: { query: { status: "open", pageSize: 100 } } }))).loans,
  });
}

/** Returned loans, newest first, a page at a time. */
export function usePastLoans() {
  const { api } = useServices();
  return useInfiniteQuery({
    queryKey: ["loans", "returned"],
    initialPageParam: "",
    queryFn: ({ pageParam }) =>
      call(
        api.GET("/api/v1/loans", {
          params: { query: { status: "returned", pageSize: 20, ...(pageParam ? { pageToken: pageParam } : {}) } },
        }),
      ),
    getNextPageParam: (last) => last.nextPageToken || undefined,
  });
}

/** Titles of the loans' books (each book fetched once and cached, shared with the book page). */
export function useTitles(loans: Loan[]): Map<string, string> {
  const { api } = useServices();
  const ids = [...new Set(loans.map((l) => l.bookId))];
  const books = useQueries({
    queries: ids.map((id) => ({
      queryKey: ["book", id],
      queryFn: () => call(api.GET("/api/v1/books/{id}", { params: { path: { id } } })),
    })),
  });
  return new Map(books.flatMap((b) => (b.data ? [[b.data.id, b.data.title] as const] : [])));
}

function useLoanMutation<T>(send: (loan: Loan) => Promise<T>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSettled: () =>
      queryClient.invalidateQueries({ predicate: (q) => ["loans", "book", "books", "eligibility"].includes(String(q.queryKey[0])) }),
  });
}

export function useRenew() {
  const { api } = useServices();
  return useLoanMutation((loan) =>
    call(
      api.POST("/api/v1/loans/{id}/renew", {
        params: { path: { id: loan.id }, header: { "Idempotency-Key": idempotencyKey() } },
        body: {},
      }),
    ),
  );
}

export function useReturn() {
  const { api } = useServices();
  return useLoanMutation((loan) =>
    call(
      api.POST("/api/v1/books/{id}/return", {
        params: { path: { id: loan.bookId }, header: { "Idempotency-Key": idempotencyKey() } },
        body: {},
      }),
    ),
  );
}
