/**
 * The part of jstat 1.9.6 (which ships no types) that the survey statistics use: the
 * distribution functions of `domain/Stats.ts`.
 */
declare module "jstat" {
  interface JStat {
    readonly studentt: {
      /** P(T ≤ x) for Student's t with `dof` degrees of freedom. */
      cdf(x: number, dof: number): number
      /** The quantile of Student's t: x with P(T ≤ x) = p. */
      inv(p: number, dof: number): number
    }
    readonly normal: {
      /** P(X ≤ x) for a normal distribution. */
      cdf(x: number, mean: number, std: number): number
    }
    readonly chisquare: {
      /** P(X ≤ x) for the chi-square distribution. */
      cdf(x: number, dof: number): number
    }
    readonly beta: {
      /** P(X ≤ x) for the beta distribution (the regularized incomplete beta function I_x(alpha, beta)). */
      cdf(x: number, alpha: number, beta: number): number
    }
  }
  const jStat: JStat
  export = jStat
}
