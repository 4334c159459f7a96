/**
 * DI tokens of what {@link MessagingModule} provides. Symbols rather than classes, because
 * tsx and vitest emit no decorator metadata: every injection names its token explicitly
 * (`@Inject(NATS_CONNECTION)`), and a symbol cannot collide with another library's string.
 */

/** The process's one `NatsConnection`, connected and with the topology ensured. */
export const NATS_CONNECTION = Symbol.for('fanout.messaging.NatsConnection');

/** The `Subjects` builder for the configured prefix (`FANOUT_SUBJECT_PREFIX`). */
export const FANOUT_SUBJECTS = Symbol.for('fanout.messaging.Subjects');

/** The options `MessagingModule.forRoot` was given, for providers that build on them. */
export const MESSAGING_OPTIONS = Symbol.for('fanout.messaging.MessagingModuleOptions');

/** The topology's settings as ensured (`TopologyOptions`): retention, replicas, limits. */
export const FANOUT_TOPOLOGY = Symbol.for('fanout.messaging.Topology');
