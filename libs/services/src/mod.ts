/**
 * Fanout's services as libraries: the orchestrator and every kind of worker, booted the
 * same way by their own processes (`apps/*`), by `fanout up` and by `fanout run`'s
 * embedded mode, so there is one way to start each.
 */
export {
  bootService,
  isServiceName,
  SERVICE_NAMES,
  type BootOptions,
  type ServiceName,
} from './boot-service';
export { runService, runServices, type RunOptions } from './run-service';
export { StderrLogger } from './stderr-logger';
export {
  OrchestratorModule,
  type OrchestratorModuleOptions,
} from './orchestrator/orchestrator.module';
export {
  OrchestratorOptions,
  orchestratorOptionsFromEnv,
} from './orchestrator/orchestrator.options';
export { Gateway } from './gateway/gateway.module';
export { gatewayOptionsFromEnv, type GatewayOptions } from './gateway/gateway.options';
export { WORKER_KINDS, type WorkerKind } from './workers/worker-kinds';
export { authUsers, initAuth } from './auth/auth-users';
