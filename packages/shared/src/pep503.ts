/** PEP 503 normalisation: runs of `-`, `_`, `.` become one `-`, lower case. `My_Pkg` == `my-pkg`. */
export function normalizeName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase()
}
