/** State/status pairs as documented for each table (Microsoft Learn table reference pages). */
import type { StateDef } from '../types';

const s = (value: number, name: string, statuses: [number, string][]): StateDef => ({
  value,
  name,
  statuses: statuses.map(([v, n]) => ({ value: v, name: n })),
});

export const activeInactive: StateDef[] = [s(0, 'Active', [[1, 'Active']]), s(1, 'Inactive', [[2, 'Inactive']])];

export const opportunityStates: StateDef[] = [
  s(0, 'Open', [[1, 'In Progress'], [2, 'On Hold']]),
  s(1, 'Won', [[3, 'Won']]),
  s(2, 'Lost', [[4, 'Canceled'], [5, 'Out-Sold']]),
];

export const incidentStates: StateDef[] = [
  s(0, 'Active', [[1, 'In Progress'], [2, 'On Hold'], [3, 'Waiting for Details'], [4, 'Researching']]),
  s(1, 'Resolved', [[5, 'Problem Solved'], [1000, 'Information Provided']]),
  s(2, 'Cancelled', [[6, 'Cancelled'], [2000, 'Merged']]),
];

export const invoiceStates: StateDef[] = [
  s(0, 'Active', [[1, 'New'], [2, 'Partially Shipped'], [4, 'Billed'], [5, 'Booked (applies to services)'], [6, 'Installed (applies to services)']]),
  s(1, 'Closed (deprecated)', [[3, 'Canceled (deprecated)'], [7, 'Paid in Full (deprecated)']]),
  s(2, 'Paid', [[100001, 'Complete'], [100002, 'Partial']]),
  s(3, 'Canceled', [[100003, 'Canceled']]),
];

export const taskStates: StateDef[] = [
  s(0, 'Open', [[2, 'Not Started'], [3, 'In Progress'], [4, 'Waiting on someone else'], [7, 'Deferred']]),
  s(1, 'Completed', [[5, 'Completed']]),
  s(2, 'Canceled', [[6, 'Canceled']]),
];

export const appointmentStates: StateDef[] = [
  s(0, 'Open', [[1, 'Free'], [2, 'Tentative']]),
  s(1, 'Completed', [[3, 'Completed']]),
  s(2, 'Canceled', [[4, 'Canceled']]),
  s(3, 'Scheduled', [[5, 'Busy'], [6, 'Out of Office']]),
];

export const phonecallStates: StateDef[] = [
  s(0, 'Open', [[1, 'Open']]),
  s(1, 'Completed', [[2, 'Made'], [4, 'Received']]),
  s(2, 'Canceled', [[3, 'Canceled']]),
];

export const emailStates: StateDef[] = [
  s(0, 'Open', [[1, 'Draft'], [8, 'Failed']]),
  s(1, 'Completed', [[2, 'Completed'], [3, 'Sent'], [4, 'Received'], [6, 'Pending Send'], [7, 'Sending']]),
  s(2, 'Canceled', [[5, 'Canceled']]),
];
