import { PlatformError } from '@core/errors/platform-error';

/** The PlatformError a call failed with; fails the test when it resolved or threw another. */
export async function failureOf(promise: Promise<unknown>): Promise<PlatformError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PlatformError);
  return error as PlatformError;
}
