/**
 * The web page of a body, as reminders, calendar entries and other messages link to it
 * (the route `gremien/:id` of the web controller). One place, so that no link points elsewhere.
 */
export function bodyPagePath(bodyId: string): string {
  return `/gremien/${encodeURIComponent(bodyId)}`;
}
