import sodiumModule from 'libsodium-wrappers-sumo';

/** libsodium, loaded once. The sumo build is required: plain libsodium-wrappers lacks crypto_pwhash. */
export type Sodium = typeof sodiumModule;

export async function sodium(): Promise<Sodium> {
  await sodiumModule.ready;
  return sodiumModule;
}
