/** How long a session lasts once signed in (both factors, where there are two). */
export const SESSION_LIFETIME_MS = 30 * 24 * 60 * 60 * 1000;
