import { useNotify, useRedirect } from "react-admin";

/**
 * A show page's `queryOptions.onError`: the API's own message ("Wallet not found", a 403's
 * reason) instead of react-admin's generic one, then back to the list.
 */
export function useShowError(resource: string) {
  const notify = useNotify();
  const redirect = useRedirect();
  return (error: Error) => {
    notify(error.message, { type: "error" });
    redirect("list", resource);
  };
}
