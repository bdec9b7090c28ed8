// The root layout App Router asks for; the app serves only its upload route (app/api/uploads/[...step]/route.js,
// written by the test from the Next.js example in @uploadkit/record360's README).
export default function RootLayout({ children }) {
  return children;
}
