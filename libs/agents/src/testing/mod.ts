/**
 * What tests of planners share (`@fanout/agents/testing`): a loopback chat-completions
 * endpoint with scripted replies, and rounds as the engine reports them. Not part of the
 * agents' surface.
 */
export { chatServer, completion, type ChatServer, type ScriptedReply } from './chat-server';
export { childOutcome, planRequest, runPlan, type EndedTask, type PlannedTask } from './rounds';
