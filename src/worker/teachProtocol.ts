/** Types of the teaching calls of the worker protocol (issue #6). Types only (protocol.ts lists the methods). */
export type { WorkedExample, WorkedOptions, WorkedStep } from '../core/workedExample';

/** A slice of one row of the matrix: `values` start at (row, col) and run along the row. */
export interface ValueSample {
  values: number[];
  row: number;
  col: number;
}
