/**
 * Running a {@link org.smapimigrate.plan.Plan}: {@link org.smapimigrate.execute.PlanExecutor}
 * carries out its steps against a SMAPIv1 source and a SMAPIv3 target, one durable
 * {@link org.smapimigrate.execute.Journal} line per finished step, so that a run stopped anywhere
 * resumes where it stopped; {@link org.smapimigrate.execute.RunEvents} and
 * {@link org.smapimigrate.execute.RunProgress} let a command line show it.
 */
package org.smapimigrate.execute;
