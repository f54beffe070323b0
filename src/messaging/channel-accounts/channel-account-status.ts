/** Lifecycle of a channel account, as the API and the platform modules see it. */
export type ChannelAccountStatus = 'active' | 'needs_reauth' | 'disconnected' | 'disabled';
