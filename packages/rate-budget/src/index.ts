/**
 * @reauth/rate-budget owns the per-upstream call budgets that every reauth process shares through
 * one Redis counter (Tray's per-org limit, JourneyApps' per-deployment limit).
 */
export { createRateBudget, unlimitedBudget, type RateBudget } from './budget.js';
