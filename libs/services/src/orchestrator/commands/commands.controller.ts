import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { CallTool, CancelWorkflow, ReportTask, SubmitWorkflow } from '@fanout/contracts';
import { WorkflowRunner } from '../runner/workflow-runner';

/**
 * The command bus as the orchestrator hears it. Each handler hands the command to the
 * runner; when the returned promise resolves the transport acks the message, when it
 * rejects the message is redelivered.
 */
@Controller()
export class CommandsController {
  constructor(@Inject(WorkflowRunner) private readonly runner: WorkflowRunner) {}

  @EventPattern<string>('workflow.submit')
  submit(@Payload() command: SubmitWorkflow): Promise<void> {
    return this.runner.accept(command);
  }

  @EventPattern<string>('workflow.cancel')
  cancel(@Payload() command: CancelWorkflow): Promise<void> {
    return this.runner.accept(command);
  }

  @EventPattern<string>('task.call')
  call(@Payload() command: CallTool): Promise<void> {
    return this.runner.accept(command);
  }

  @EventPattern<string>('task.report')
  report(@Payload() command: ReportTask): Promise<void> {
    return this.runner.accept(command);
  }
}
