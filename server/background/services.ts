/** The background services of this build; each import registers itself with ./index. */
export {};
