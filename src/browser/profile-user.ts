/**
 * Who is signed in to the browser profile, for `user` on events under
 * `logging.recordUser` (README, "Permissions": `identity`, `identity.email`).
 *
 * Chrome and Edge answer with `identity.getProfileUserInfo` (the e-mail is empty when
 * nobody is signed in, or when the `identity.email` permission is missing). Firefox has
 * no such call: events there carry no `user`. The answer is cached for the worker's
 * life and dropped when the browser says the sign-in changed.
 */
type IdentityApi = {
  getProfileUserInfo?: (details?: { accountStatus?: 'SYNC' | 'ANY' }) => Promise<{ email?: string; id?: string }>;
  onSignInChanged?: { addListener(fn: () => void): void };
};

let cached: Promise<string | undefined> | undefined;
let listening = false;

function identityApi(): IdentityApi | undefined {
  return (browser as unknown as { identity?: IdentityApi }).identity;
}

/** The profile's signed-in account (e-mail), or undefined when there is none or the browser cannot say. */
export function profileUser(): Promise<string | undefined> {
  const api = identityApi();
  if (typeof api?.getProfileUserInfo !== 'function') return Promise.resolve(undefined);
  if (!listening && api.onSignInChanged) {
    listening = true;
    api.onSignInChanged.addListener(() => (cached = undefined));
  }
  cached ??= api.getProfileUserInfo({ accountStatus: 'ANY' }).then(
    (info) => (typeof info?.email === 'string' && info.email !== '' ? info.email : undefined),
    () => undefined,
  );
  return cached;
}
