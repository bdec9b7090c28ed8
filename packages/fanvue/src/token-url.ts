/** Fanvue's token endpoint (authentication overview, api.fanvue.com/docs/authentication/overview). */
export const FANVUE_TOKEN_URL = "https://auth.fanvue.com/oauth2/token";
