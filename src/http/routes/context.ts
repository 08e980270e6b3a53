import type { FastifyRequest } from 'fastify';
import type { LookupPurpose, Purpose } from '../../policy/actors.js';
import { run, type Runtime, type UseCase } from '../../usecases/context.js';

/** Runs a use case as the request's actor, for the given purpose, over HTTP. */
export function runFor(runtime: Runtime, request: FastifyRequest, purpose: Purpose) {
  return <I, O>(useCase: UseCase<I, O>, input: I): Promise<O> => run(runtime, { actor: request.actor, purpose, channel: 'http' }, useCase, input);
}

/**
 * The purpose a request runs under. A look-up that names none runs as plain circulation, which the
 * use case refuses for a record read outside a transaction (PURPOSE_REQUIRED): the check stays there.
 */
export function lookupPurpose(named: LookupPurpose | undefined): Purpose {
  return named ?? 'circulation';
}
