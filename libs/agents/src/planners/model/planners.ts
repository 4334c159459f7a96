import type { LlmConfig } from '../../llm-config';
import type { Planner } from '../../planner';
import { openAiChat, type Chat } from './chat';
import { modelPlanner } from './model-planner';
import { SPECIALIST_TOOLS } from './specialist-tools';

/**
 * The planners an agent worker hosts: the templates as they are when no model is
 * configured; with one, every domain specialist that has templates and tools is planned
 * by the model, its templates taking over should the model fail.
 */
export function withModel(
  templates: Readonly<Record<string, Planner>>,
  llm: LlmConfig | undefined,
  chat: Chat | undefined = llm && openAiChat(llm),
): Readonly<Record<string, Planner>> {
  if (!llm || !chat) return templates;
  const planners: Record<string, Planner> = { ...templates };
  for (const [specialist, tools] of Object.entries(SPECIALIST_TOOLS)) {
    const template = templates[specialist];
    if (!template) continue;
    planners[specialist] = modelPlanner({
      specialist,
      templates: template,
      tools,
      chat,
      maxRounds: llm.maxRounds,
      resultChars: llm.resultChars,
    });
  }
  return planners;
}
