/**
 * Thrown by the staff pages' guard to send a browser elsewhere (the sign-in page); the global
 * filter answers it with a 303 redirect.
 */
export class WebRedirect extends Error {
  constructor(readonly location: string) {
    super(`Redirect to ${location}`);
  }
}
