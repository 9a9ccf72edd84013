/** Queue names of the raw BullMQ chain, shared by its worker process and the bench that feeds it. */
export const CHAIN_QUEUES = ['chain-1', 'chain-2', 'chain-3'] as const;
