import { useQuery } from "@tanstack/react-query";
import { call } from "../../api/client.js";
import { useServices } from "../../app/services-context.js";

/** The signed-in person's library card number: what they give at the circulation desk. */
export function LibraryCard({ userId }: { userId: string }) {
  const { api } = useServices();
  const user = useQuery({
    queryKey: ["user", userId],
    queryFn: () => call(api.GET("/api/v1/users/{id}", { params: { path: { id: userId } } })),
    staleTime: 5 * 60_000,
  });
  // Not worth an error message of its own: the loans below are what the page is for.
  if (!user.data) return null;
  return (
    <p className="muted">
      {user.data.name} · Library card <strong>{user.data.cardNumber}</strong>
    </p>
  );
}
