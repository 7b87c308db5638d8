import { Link } from '../router'
import { PageTitle } from '../ui/components'

export function NotFound({ reason }: { reason?: string }) {
  return (
    <section>
      <PageTitle title="Not found">Page not found</PageTitle>
      <p>{reason ?? 'There is no such page in the console.'}</p>
      <p>
        <Link href="/">Back to the library</Link>
      </p>
    </section>
  )
}
