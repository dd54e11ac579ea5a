/** Injection tokens of the auth module. */
export const AUTH_CONFIG = 'AUTH_CONFIG';
export const LOGIN_LIMITER = 'LOGIN_LIMITER';
