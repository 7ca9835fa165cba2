import unittest

import tinydep
import tinyproj


class TestTinyproj(unittest.TestCase):
    def test_primes(self):
        self.assertEqual(tinyproj.primes(30), 10)

    def test_work(self):
        self.assertEqual(tinyproj.work(2, 30), [10, 10])

    def test_its_dependency(self):
        self.assertEqual(tinydep.answer(), 42)
