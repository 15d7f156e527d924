import { normalizeName } from '../src/pep503.js'
test('normalizes', () => {
  expect(normalizeName('My_Pkg')).toBe(normalizeName('my-pkg'))
})
