// The --format flag of every command that writes more than one file format: a comma list or a
// repeated flag (`--format csv,json` = `--format csv --format json`), each value checked.
import { Flags, type Interfaces } from "@oclif/core"

/**
 * `--format` taking one or more of `formats`, as a comma list or repeated; each value is
 * checked by oclif (a wrong one is an input error, exit 2, naming the allowed values). Without
 * `defaultFormat` the flag is required.
 */
export const formatsFlag = <const T extends string>(
  formats: ReadonlyArray<T>,
  defaultFormat?: T,
  summary = "File format; several as a comma list, e.g. csv,json."
): Interfaces.OptionFlag<Array<T>> =>
  Flags.string({
    summary,
    options: [...formats],
    multiple: true,
    delimiter: ",",
    ...(defaultFormat === undefined ? { required: true } : { default: [defaultFormat] })
  }) as unknown as Interfaces.OptionFlag<Array<T>>

/** The formats asked for, each once, in the order given. */
export const distinct = <T>(values: ReadonlyArray<T>): Array<T> => [...new Set(values)]
