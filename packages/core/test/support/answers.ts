// Valid raw answers for any question, as a participant would give them (form field / CSV cell).
import type { Question } from "../../src/domain/Instrument.js"

export const rawAnswer = (q: Question, variant = 0): string => {
  switch (q.type) {
    case "likert5":
      return String(1 + (variant % 5))
    case "likert7":
      return String(1 + (variant % 7))
    case "scale":
      return String(variant % 11)
    case "number":
      return String(q.min + (variant % Math.max(1, Math.floor(q.max - q.min))))
    case "text":
      return variant % 2 === 0 ? "Plus de temps pour les tables, « merci »" : "More time, please"
    case "multiple":
      return q.options.slice(0, 1 + (variant % 2)).map((o) => o.id).join(" ")
    default:
      return q.options[variant % q.options.length]!.id
  }
}
