import { Type } from 'typebox';

/** GET /health: liveness and database reachability, for load balancers and monitors (no session). */
export const HealthRoute = {
  tags: ['operations'],
  summary: 'Liveness and database reachability',
  security: [],
  response: { 200: Type.Object({ status: Type.Literal('ok') }), 503: Type.Object({ status: Type.Literal('unavailable') }) },
};
