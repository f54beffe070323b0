import type { Provider } from '@nestjs/common';
import { metaGraphClientProvider } from '@app/meta/graph/meta-graph.client';

/**
 * The two roads to Instagram Direct, each its own Graph root (the version is
 * META_GRAPH_API_VERSION for both): Instagram Login on INSTAGRAM_GRAPH_BASE_URL
 * (graph.instagram.com, Instagram user tokens) and the Page-linked Messenger API for Instagram
 * on META_GRAPH_BASE_URL (graph.facebook.com, Page tokens). Both report under hub 'instagram'.
 */
export const INSTAGRAM_LOGIN_GRAPH = Symbol('INSTAGRAM_LOGIN_GRAPH');
export const FACEBOOK_LOGIN_GRAPH = Symbol('FACEBOOK_LOGIN_GRAPH');

export const instagramGraphClients: Provider[] = [
  {
    ...metaGraphClientProvider((config) => ({
      hub: 'instagram',
      graphBaseUrl: config.instagram.graphBaseUrl,
    })),
    provide: INSTAGRAM_LOGIN_GRAPH,
  } as Provider,
  {
    ...metaGraphClientProvider((config) => ({
      hub: 'instagram',
      graphBaseUrl: config.meta.graphBaseUrl,
    })),
    provide: FACEBOOK_LOGIN_GRAPH,
  } as Provider,
];
