import type { Category } from './categories';

/** How a {@link CategoryLimiter} shares its slots. */
export interface CategoryLimiterOptions {
  /** Slots of the whole pool (default 16). */
  pool?: number;
  /** Slots per kind; unnamed kinds keep their defaults (4, 3, 2, 2, 2, 2, 1). */
  limits?: Partial<Record<Category, number>>;
}
