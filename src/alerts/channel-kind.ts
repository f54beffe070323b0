/** The kinds of channel an alert can be delivered to besides the log. */
export type ChannelKind = 'slack' | 'discord' | 'webhook';
